import { defineNode } from '@cairn/sdk';
import { Object as TObject, String as TString, Unknown } from '@sinclair/typebox';
import { renderText, renderValue } from './render.js';

/** Renders a text template and sends the text on. */
export const textTemplate = defineNode({
  id: 'text-template',
  title: 'Text template',
  description: 'Renders a text such as `Hi {{profile@traits.name}}` and emits it as { text }',
  category: 'data',
  icon: 'text',
  inputs: ['in'],
  outputs: ['out', 'error'],
  config: TObject({
    template: TString({
      description: 'Text with {{reference}} placeholders, e.g. Hi {{profile@traits.name}}',
    }),
  }),
  run(ctx) {
    return ctx.emit('out', { text: renderText('template', ctx.config.template, ctx) });
  },
});

/** Builds a new payload from a JSON template (inject payload). */
export const objectTemplate = defineNode({
  id: 'object-template',
  title: 'Object template',
  description: 'Builds a new payload from a JSON template whose strings may be references or text templates',
  category: 'data',
  icon: 'braces',
  inputs: ['in'],
  outputs: ['out', 'error'],
  config: TObject({
    template: Unknown({
      description:
        'Any JSON. Strings that are exactly a reference are replaced by the value, strings with {{…}} are rendered as text',
    }),
  }),
  run(ctx) {
    return ctx.emit('out', renderValue('template', ctx.config.template, ctx));
  },
});
