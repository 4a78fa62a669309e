import { defineNode } from '@cairn/sdk';
import { Literal, Object as TObject, String as TString, Union } from '@sinclair/typebox';
import { renderText } from './render.js';

/** Writes a line to the node's trace. */
export const log = defineNode({
  id: 'log',
  title: 'Log',
  description: 'Writes a templated message to the flow trace at info, warn or error level',
  category: 'logic',
  icon: 'scroll',
  inputs: ['in'],
  outputs: ['out', 'error'],
  config: TObject({
    level: Union([Literal('info'), Literal('warn'), Literal('error')], { default: 'info' }),
    message: TString({ description: 'Text template, e.g. checkout by {{profile@id}}' }),
  }),
  run(ctx) {
    ctx.log[ctx.config.level](renderText('message', ctx.config.message, ctx));
    return ctx.emit('out', ctx.payload);
  },
});
