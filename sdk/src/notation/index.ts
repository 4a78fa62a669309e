/**
 * Dot notation, templates and conditions over the workflow context. Pure functions without I/O,
 * safe to bundle into plugin code that runs in the sandbox.
 */
export { get, getIn, type NotationContext, setIn } from './access.js';
export type { ComparisonOperator, ConditionNode, LiteralValue } from './condition-ast.js';
export { type EvaluateOptions, evaluate } from './condition-evaluate.js';
export { parseCondition } from './condition-parser.js';
export { ConditionSyntaxError, NotationError, type NotationErrorCode } from './errors.js';
export {
  formatPath,
  formatReference,
  isReference,
  isSource,
  type PathSegment,
  parsePath,
  parseReference,
  type Reference,
  SOURCES,
  type Source,
} from './reference.js';
export { parseTemplate, render, renderObject, type TemplatePart, toText } from './template.js';
