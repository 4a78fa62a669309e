/**
 * Evaluation of parsed conditions. Evaluation never throws for data: missing paths and values of
 * unexpected types make the affected comparison false instead.
 */
import { getIn, type NotationContext } from './access.js';
import type { ComparisonOperator, ConditionNode } from './condition-ast.js';
import {
  CONDITION_FUNCTIONS,
  type ConditionValue,
  type EvaluationEnvironment,
  valuesEqual,
} from './condition-functions.js';
import { NotationError } from './errors.js';
import { Instant, toInstant } from './instant.js';
import { isSource } from './reference.js';

export interface EvaluateOptions {
  /**
   * The time `now()`, `days_since` and `hours_since` measure from: a `Date`, epoch milliseconds or
   * an ISO 8601 string. Defaults to the clock at the start of the evaluation.
   */
  now?: Date | number | string;
}

/**
 * Evaluates a condition tree from {@link parseCondition} against a context. The result is `true`
 * only when the condition's value is the boolean `true`.
 *
 * @example evaluate(parseCondition('profile@traits.age >= 18'), { profile: { traits: { age: 20 } } }) // → true
 * @throws NotationError `invalid-condition-ast` when `condition` is not a tree `parseCondition` can produce.
 */
export function evaluate(
  condition: ConditionNode,
  context: NotationContext,
  options: EvaluateOptions = {},
): boolean {
  return valueOfNode(condition, context, { now: resolveNow(options.now) }) === true;
}

function resolveNow(now: EvaluateOptions['now']): number {
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : toInstant(now)?.ms;
  if (ms === undefined || Number.isNaN(ms)) {
    throw new NotationError('invalid-option', `'now' is not a valid time: ${String(now)}`);
  }
  return ms;
}

function valueOfNode(
  node: ConditionNode,
  context: NotationContext,
  environment: EvaluationEnvironment,
): ConditionValue {
  switch (node?.type) {
    case 'literal':
      if (!isLiteralValue(node.value)) throw invalid(node);
      return node.value;
    case 'reference':
      if (!isSource(node.source) || !isPath(node.path)) throw invalid(node);
      return getIn(Object.hasOwn(context, node.source) ? context[node.source] : undefined, node.path);
    case 'and':
      if (!Array.isArray(node.operands)) throw invalid(node);
      return node.operands.every((operand) => valueOfNode(operand, context, environment) === true);
    case 'or':
      if (!Array.isArray(node.operands)) throw invalid(node);
      return node.operands.some((operand) => valueOfNode(operand, context, environment) === true);
    case 'not':
      return valueOfNode(node.operand, context, environment) !== true;
    case 'compare':
      if (!OPERATORS.has(node.operator)) throw invalid(node);
      return compare(
        node.operator,
        valueOfNode(node.left, context, environment),
        valueOfNode(node.right, context, environment),
      );
    case 'call': {
      const definition = CONDITION_FUNCTIONS.get(node.name);
      const [min, max] = definition?.arity ?? [0, -1];
      if (!definition || !Array.isArray(node.args) || node.args.length < min || node.args.length > max) {
        throw invalid(node);
      }
      const args = node.args.map((arg) => valueOfNode(arg, context, environment));
      return definition.apply(args, environment);
    }
    default:
      throw invalid(node);
  }
}

const OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', 'before', 'after']);

function isLiteralValue(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isPath(path: unknown): boolean {
  return (
    Array.isArray(path) &&
    path.every((segment) => typeof segment === 'string' || (Number.isSafeInteger(segment) && segment >= 0))
  );
}

function invalid(node: unknown): NotationError {
  const text = JSON.stringify(node) ?? String(node);
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return new NotationError('invalid-condition-ast', `not a node parseCondition can produce: ${shown}`);
}

/**
 * `==` is deep equality without type coercion (a missing value equals null) and `!=` its
 * negation. Ordering compares two numbers or two strings; when either side is an instant, or the
 * operator is BEFORE/AFTER, both sides are read as instants. Anything else is false.
 */
function compare(operator: ComparisonOperator, left: ConditionValue, right: ConditionValue): boolean {
  if (operator === 'before' || operator === 'after' || left instanceof Instant || right instanceof Instant) {
    return compareInstants(operator, toInstant(left), toInstant(right));
  }
  switch (operator) {
    case '==':
      return valuesEqual(left, right);
    case '!=':
      return !valuesEqual(left, right);
    default:
      if (typeof left === 'number' && typeof right === 'number') return order(operator, left, right);
      if (typeof left === 'string' && typeof right === 'string') return order(operator, left, right);
      return false;
  }
}

function compareInstants(
  operator: ComparisonOperator,
  left: Instant | undefined,
  right: Instant | undefined,
) {
  if (left === undefined || right === undefined) return operator === '!=';
  if (operator === 'before') return left.ms < right.ms;
  if (operator === 'after') return left.ms > right.ms;
  if (operator === '==') return left.ms === right.ms;
  if (operator === '!=') return left.ms !== right.ms;
  return order(operator, left.ms, right.ms);
}

function order<T extends number | string>(operator: ComparisonOperator, left: T, right: T): boolean {
  if (operator === '<') return left < right;
  if (operator === '<=') return left <= right;
  if (operator === '>') return left > right;
  return left >= right;
}
