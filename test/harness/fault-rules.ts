export type Fault =
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  | { kind: "delay"; ms: number }
  | { kind: "drop" }
  | { kind: "hang" };

export interface FaultMatch {
  /** Case-insensitive, e.g. "HEAD". */
  method?: string;
  /** Substring of the path and query, e.g. "/manifests/". */
  pathIncludes?: string;
}

export interface FaultRule {
  match?: FaultMatch;
  /** How many matching requests get the fault; Infinity for all of them. */
  times: number;
  fault: Fault;
}

export interface InjectedFault {
  readonly rule: FaultRule;
  /** Matching requests still to be faulted. */
  readonly remaining: number;
}

/**
 * The pending faults of a proxy, applied first-injected first.
 *
 * @example
 * const rules = new FaultRules();
 * rules.add({ match: { method: "GET" }, times: 1, fault: { kind: "drop" } });
 * rules.take("GET", "/v2/"); // { kind: "drop" }, then null
 */
export class FaultRules {
  #pending: { rule: FaultRule; remaining: number }[] = [];

  add(rule: FaultRule): InjectedFault {
    if (!(rule.times >= 1)) throw new Error(`fault times must be at least 1, got ${rule.times}`);
    const entry = { rule, remaining: rule.times };
    this.#pending.push(entry);
    return {
      rule,
      get remaining() {
        return entry.remaining;
      },
    };
  }

  take(method: string, path: string): Fault | null {
    const entry = this.#pending.find(({ rule }) => matches(rule.match, method, path));
    if (entry === undefined) return null;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#pending = this.#pending.filter((other) => other !== entry);
    return entry.rule.fault;
  }

  clear(): void {
    this.#pending = [];
  }
}

function matches(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (match?.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  return match?.pathIncludes === undefined || path.includes(match.pathIncludes);
}

/**
 * A short label for the request log, e.g. "status 429" or "delay 200ms".
 *
 * @example
 * describeFault({ kind: "delay", ms: 200 }); // "delay 200ms"
 */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "status":
      return `status ${fault.status}`;
    case "delay":
      return `delay ${fault.ms}ms`;
    default:
      return fault.kind;
  }
}
