import { defineNode } from '@cairn/sdk';
import { Object as TObject, String as TString } from '@sinclair/typebox';
import type { ReadableContext } from './notation-context.js';
import { renderText } from './render.js';

const segmentName = TString({
  minLength: 1,
  description: 'Segment name; may be a text template such as plan-{{profile@traits.plan}}',
});

/** Adds the profile to a segment. */
export const segmentAdd = defineNode({
  id: 'segment-add',
  title: 'Add to segment',
  description: 'Adds the profile to a segment, whose name may be a text template',
  category: 'data',
  icon: 'user-plus',
  inputs: ['in'],
  outputs: ['out', 'error'],
  permissions: { profile: { write: ['segments'] } },
  config: TObject({ segment: segmentName }),
  run(ctx) {
    ctx.segments.add(renderedSegment(ctx.config.segment, ctx));
    return ctx.emit('out', ctx.payload);
  },
});

/** Removes the profile from a segment. */
export const segmentRemove = defineNode({
  id: 'segment-remove',
  title: 'Remove from segment',
  description: 'Removes the profile from a segment, whose name may be a text template',
  category: 'data',
  icon: 'user-minus',
  inputs: ['in'],
  outputs: ['out', 'error'],
  permissions: { profile: { write: ['segments'] } },
  config: TObject({ segment: segmentName }),
  run(ctx) {
    ctx.segments.remove(renderedSegment(ctx.config.segment, ctx));
    return ctx.emit('out', ctx.payload);
  },
});

function renderedSegment(template: string, ctx: ReadableContext): string {
  const name = renderText('segment', template, ctx).trim();
  if (name === '') {
    throw new Error(`segment: '${template}' rendered to an empty name; the values it references are missing`);
  }
  return name;
}
