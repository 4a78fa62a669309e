/**
 * The parsed form of a condition. Plain JSON: a host may parse a condition once, store or cache
 * the tree, and evaluate it for every event.
 */
import type { PathSegment, Source } from './reference.js';

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'before' | 'after';

export type LiteralValue = string | number | boolean | null;

export type ConditionNode =
  | { type: 'or'; operands: ConditionNode[] }
  | { type: 'and'; operands: ConditionNode[] }
  | { type: 'not'; operand: ConditionNode }
  | { type: 'compare'; operator: ComparisonOperator; left: ConditionNode; right: ConditionNode }
  /** A helper call; `EXISTS x` and `EMPTY x` are stored as calls of `exists` and `empty`. */
  | { type: 'call'; name: string; args: ConditionNode[] }
  | { type: 'reference'; source: Source; path: PathSegment[] }
  | { type: 'literal'; value: LiteralValue };
