export { type NotationSources as TemplateSources, notationContext } from '@cairn/sdk';
