export type { BuildPluginOptions, BuiltPlugin } from './build-plugin.js';
export { buildPlugin, PluginBuildError } from './build-plugin.js';
