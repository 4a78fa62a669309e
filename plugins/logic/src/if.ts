import { defineNode, notation } from '@cairn/sdk';
import { Object as TObject, String as TString } from '@sinclair/typebox';
import { parsedCondition } from './condition-cache.js';
import { notationContext } from './notation-context.js';

/** Routes the payload by a condition written in the notation's condition language. */
export const ifNode = defineNode({
  id: 'if',
  title: 'If',
  description:
    'Evaluates a condition such as `profile@traits.age >= 18 AND NOT empty(profile@segments)` and passes the payload unchanged to true or false',
  category: 'logic',
  icon: 'split',
  inputs: ['in'],
  outputs: ['true', 'false', 'error'],
  config: TObject({
    condition: TString({
      minLength: 1,
      description: 'Condition over profile@, event@, session@, payload@ and flow@ references',
    }),
  }),
  run(ctx) {
    let tree: notation.ConditionNode;
    try {
      tree = parsedCondition(ctx.config.condition);
    } catch (error) {
      throw new Error(`condition: ${(error as Error).message}`);
    }
    const port = notation.evaluate(tree, notationContext(ctx)) ? 'true' : 'false';
    return ctx.emit(port, ctx.payload);
  },
});
