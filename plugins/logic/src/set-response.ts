import { defineNode } from '@cairn/sdk';
import { Object as TObject, String as TString, Unknown } from '@sinclair/typebox';
import { renderValue } from './render.js';

/** Puts a value into the response that `/track` returns to the caller. */
export const setResponse = defineNode({
  id: 'set-response',
  title: 'Set response',
  description: 'Puts a value, copied or templated, under a key of the response that /track returns',
  category: 'data',
  icon: 'reply',
  inputs: ['in'],
  outputs: ['out', 'error'],
  config: TObject({
    key: TString({ minLength: 1, description: 'Key in the response object' }),
    value: Unknown({
      description:
        'Any JSON. A string that is exactly a reference copies that value; a string with {{…}} is rendered as text',
    }),
  }),
  run(ctx) {
    ctx.response.set(ctx.config.key, renderValue('value', ctx.config.value, ctx));
    return ctx.emit('out', ctx.payload);
  },
});
