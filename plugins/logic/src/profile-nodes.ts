import { defineNode } from '@cairn/sdk';
import { Number as TNumber, Object as TObject, String as TString, Unknown } from '@sinclair/typebox';
import { profileTarget } from './profile-target.js';
import { renderValue } from './render.js';

const targetPath = (description: string) =>
  TString({ minLength: 1, description: `${description}, e.g. profile@traits.plan` });

const templateValue = Unknown({
  description:
    'Any JSON. A string that is exactly a reference (event@properties.plan) copies that value; a string with {{…}} is rendered as text',
});

/** Writes a value, copied or templated, into the profile. */
export const set = defineNode({
  id: 'set',
  title: 'Set value',
  description:
    'Sets a profile field to a value, a copy of another value (event@properties.plan) or a text template',
  category: 'data',
  icon: 'pencil',
  inputs: ['in'],
  outputs: ['out', 'error'],
  permissions: { profile: { write: ['*'] } },
  config: TObject({ path: targetPath('Profile field to write'), value: templateValue }),
  run(ctx) {
    const path = profileTarget(ctx.config.path, 'path');
    ctx.profile.set(path, renderValue('value', ctx.config.value, ctx));
    return ctx.emit('out', ctx.payload);
  },
});

/** Adds to a numeric profile field; a missing field counts as 0. */
export const increment = defineNode({
  id: 'increment',
  title: 'Increment',
  description: 'Adds a number (1 by default) to a numeric profile field; a missing field counts as 0',
  category: 'data',
  icon: 'plus',
  inputs: ['in'],
  outputs: ['out', 'error'],
  permissions: { profile: { write: ['*'] } },
  config: TObject({
    path: targetPath('Numeric profile field'),
    by: TNumber({ default: 1, description: 'Amount to add' }),
  }),
  run(ctx) {
    ctx.profile.increment(profileTarget(ctx.config.path, 'path'), ctx.config.by);
    return ctx.emit('out', ctx.payload);
  },
});

/** Subtracts from a numeric profile field; a missing field counts as 0. */
export const decrement = defineNode({
  id: 'decrement',
  title: 'Decrement',
  description: 'Subtracts a number (1 by default) from a numeric profile field; a missing field counts as 0',
  category: 'data',
  icon: 'minus',
  inputs: ['in'],
  outputs: ['out', 'error'],
  permissions: { profile: { write: ['*'] } },
  config: TObject({
    path: targetPath('Numeric profile field'),
    by: TNumber({ default: 1, description: 'Amount to subtract' }),
  }),
  run(ctx) {
    ctx.profile.increment(profileTarget(ctx.config.path, 'path'), -ctx.config.by);
    return ctx.emit('out', ctx.payload);
  },
});

/** Appends to a list in the profile; a missing list is created. */
export const append = defineNode({
  id: 'append',
  title: 'Append to list',
  description: 'Appends a value, copied or templated, to a list in the profile; a missing list is created',
  category: 'data',
  icon: 'list-plus',
  inputs: ['in'],
  outputs: ['out', 'error'],
  permissions: { profile: { write: ['*'] } },
  config: TObject({ path: targetPath('Profile list to append to'), value: templateValue }),
  run(ctx) {
    const path = profileTarget(ctx.config.path, 'path');
    ctx.profile.append(path, renderValue('value', ctx.config.value, ctx));
    return ctx.emit('out', ctx.payload);
  },
});

/** Removes a profile field. */
export const deleteNode = defineNode({
  id: 'delete',
  title: 'Delete value',
  description: 'Removes a field from the profile; nothing happens when it is missing',
  category: 'data',
  icon: 'eraser',
  inputs: ['in'],
  outputs: ['out', 'error'],
  permissions: { profile: { write: ['*'] } },
  config: TObject({ path: targetPath('Profile field to remove') }),
  run(ctx) {
    ctx.profile.unset(profileTarget(ctx.config.path, 'path'));
    return ctx.emit('out', ctx.payload);
  },
});
