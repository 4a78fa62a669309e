export { type NotationSources as ReadableContext, notationContext } from '@cairn/sdk';
