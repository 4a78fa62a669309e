/** Resource limits applied to every plugin isolate and node call. */
export interface SandboxLimits {
  /** Heap limit per isolate, in MB. Exceeding it kills the isolate. */
  memoryMb: number;
  /** CPU time one node call may use (time spent waiting on host capabilities excluded), in ms. */
  cpuMs: number;
  /** Wall time one node call may take, host capability calls included, in ms. */
  wallMs: number;
  /** Size limit of one call's serialized result plus its log lines, in bytes. */
  outputBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 64,
  cpuMs: 1000,
  wallMs: 10_000,
  outputBytes: 256 * 1024,
});

export function resolveLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`sandbox limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  if (limits.memoryMb < 8) throw new RangeError('sandbox limit memoryMb must be at least 8');
  return limits;
}
