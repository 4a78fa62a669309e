import {
  and,
  isBooleanControl,
  isIntegerControl,
  isNumberControl,
  isStringControl,
  type JsonSchema,
  rankWith,
  schemaMatches,
  uiTypeIs,
} from '@jsonforms/core';
import { vanillaRenderers } from '@jsonforms/vue-vanilla';
import { markRaw } from 'vue';
import type { JsonSchema as CairnSchema } from '../api/types';
import BooleanControl from './BooleanControl.vue';
import ChoiceControl from './ChoiceControl.vue';
import { choicesOf } from './controlHelpers';
import JsonValueControl from './JsonValueControl.vue';
import ListControl from './ListControl.vue';
import MapControl from './MapControl.vue';
import NullableControl from './NullableControl.vue';
import NumberControl from './NumberControl.vue';
import ResourceControl from './ResourceControl.vue';
import TextControl from './TextControl.vue';

const control = uiTypeIs('Control');
const has = (test: (schema: CairnSchema) => boolean) =>
  and(
    control,
    schemaMatches((schema: JsonSchema) => test(schema as CairnSchema)),
  );

const isResource = has((s) => typeof s['x-cairn-resource'] === 'string');
const isChoice = has((s) => choicesOf(s) !== null);
const isAnyJson = has((s) => s.type === undefined && !s.anyOf && !s.oneOf && !s.enum && !s.properties);
const isNullable = has(
  (s) =>
    Array.isArray(s.anyOf) &&
    s.anyOf.length === 2 &&
    s.anyOf.some((o) => o.type === 'null') &&
    choicesOf(s) === null,
);
const isList = has((s) => s.type === 'array');
const isTextMap = has(
  (s) =>
    s.type === 'object' &&
    !s.properties &&
    (typeof s.patternProperties === 'object' || typeof s.additionalProperties === 'object'),
);

/**
 * The config form's renderers: Cairn's controls for the kinds of fields node schemas declare,
 * over JSON Forms' vanilla renderers for layouts and anything else.
 */
export const configRenderers = Object.freeze([
  ...vanillaRenderers,
  { tester: rankWith(10, isResource), renderer: markRaw(ResourceControl) },
  { tester: rankWith(6, isChoice), renderer: markRaw(ChoiceControl) },
  { tester: rankWith(5, isTextMap), renderer: markRaw(MapControl) },
  { tester: rankWith(5, isNullable), renderer: markRaw(NullableControl) },
  { tester: rankWith(5, isList), renderer: markRaw(ListControl) },
  { tester: rankWith(4, isAnyJson), renderer: markRaw(JsonValueControl) },
  { tester: rankWith(3, isStringControl), renderer: markRaw(TextControl) },
  { tester: rankWith(3, isIntegerControl), renderer: markRaw(NumberControl) },
  { tester: rankWith(3, isNumberControl), renderer: markRaw(NumberControl) },
  { tester: rankWith(3, isBooleanControl), renderer: markRaw(BooleanControl) },
]);

export interface FieldOptions {
  label?: string;
  readonly?: boolean;
}

/** A vertical form of the given properties (`config.profilePath` reaches into objects). */
export function uiSchemaOf(fields: (string | [string, FieldOptions])[]) {
  return {
    type: 'VerticalLayout',
    elements: fields.map((field) => {
      const [path, options] = typeof field === 'string' ? [field, {} as FieldOptions] : field;
      const scope = `#/properties/${path.split('.').join('/properties/')}`;
      return {
        type: 'Control',
        scope,
        label: options.label ?? labelFor(path.split('.').pop()!),
        ...(options.readonly ? { options: { readonly: true } } : {}),
      };
    }),
  };
}

/** One control per top-level config property, in the schema's order (JSON Forms' generator skips untyped ones). */
export function uiSchemaFor(schema: CairnSchema) {
  return {
    type: 'VerticalLayout',
    elements: Object.keys(schema.properties ?? {}).map((key) => ({
      type: 'Control',
      scope: `#/properties/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      ...(schema.properties?.[key]?.title ? {} : { label: labelFor(key) }),
    })),
  };
}

/** `timeoutMs` → `Timeout (ms)`, `signatureHeader` → `Signature header`. */
export function labelFor(key: string): string {
  const words = key
    .replace(/Ms$/, ' (ms)')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
