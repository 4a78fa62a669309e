import { defineNode } from '@cairn/sdk';

/** Where every flow begins: the engine calls it once with the event as its payload. */
export const start = defineNode({
  id: 'start',
  title: 'Start',
  description: 'Starts the flow: emits the incoming event on out',
  category: 'logic',
  icon: 'play',
  inputs: [],
  outputs: ['out'],
  run(ctx) {
    return ctx.emit('out', ctx.payload);
  },
});

/** A visual terminator: a branch that reaches it ends, which a branch without edges also does. */
export const end = defineNode({
  id: 'end',
  title: 'End',
  description: 'Ends this branch of the flow; it does nothing and emits nothing',
  category: 'logic',
  icon: 'stop',
  inputs: ['in'],
  outputs: [],
  run() {},
});
