import { definePlugin } from '@cairn/sdk';
import { end, start } from './flow-nodes.js';
import { ifNode } from './if.js';
import { join } from './join.js';
import { log } from './log.js';
import { append, decrement, deleteNode, increment, set } from './profile-nodes.js';
import { segmentAdd, segmentRemove } from './segment-nodes.js';
import { setResponse } from './set-response.js';
import { objectTemplate, textTemplate } from './template-nodes.js';

/** The built-in logic and data nodes every Cairn flow is made of. */
export default definePlugin({
  name: '@cairn/plugin-logic',
  version: '0.1.0',
  title: 'Logic and data',
  description:
    'Built-in nodes: start and end, conditions, joins, profile operations, templates, segments, logging and the /track response',
  cairn: '^0.1.0',
  nodes: [
    start,
    end,
    ifNode,
    join,
    set,
    increment,
    decrement,
    append,
    deleteNode,
    textTemplate,
    objectTemplate,
    segmentAdd,
    segmentRemove,
    log,
    setResponse,
  ],
});
