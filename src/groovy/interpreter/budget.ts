// Step, time and memory budgets for one script run. The evaluator ticks a step per statement, loop iteration and
// closure/method call; collections and strings report their sizes. Running out stops the run with ScriptStop.
import { ScriptStop } from './errors';

export interface BudgetOptions {
  /** Statements, loop iterations and calls (default 5,000,000). */
  maxSteps?: number;
  /** Wall-clock milliseconds (default 5,000). */
  maxMillis?: number;
  /** Largest string in characters (default 16 Mi). */
  maxStringLength?: number;
  /** Largest list or map (default 2 Mi elements). */
  maxCollectionSize?: number;
  /** Total characters + elements allocated by the run (default 256 Mi). */
  maxAllocations?: number;
  /** Deepest call nesting (default 400). */
  maxDepth?: number;
  /** Clock (tests). */
  now?: () => number;
}

export class Budget {
  steps = 0;
  allocated = 0;
  depth = 0;
  readonly maxSteps: number;
  readonly maxStringLength: number;
  readonly maxCollectionSize: number;
  readonly maxAllocations: number;
  readonly maxDepth: number;
  private readonly deadline: number;
  private readonly now: () => number;
  private readonly maxMillis: number;

  constructor(o: BudgetOptions = {}) {
    this.maxSteps = o.maxSteps ?? 5_000_000;
    this.maxMillis = o.maxMillis ?? 5_000;
    this.maxStringLength = o.maxStringLength ?? 16 * 1024 * 1024;
    this.maxCollectionSize = o.maxCollectionSize ?? 2 * 1024 * 1024;
    this.maxAllocations = o.maxAllocations ?? 256 * 1024 * 1024;
    this.maxDepth = o.maxDepth ?? 400;
    this.now = o.now ?? (() => Date.now());
    this.deadline = this.now() + this.maxMillis;
  }

  tick(): void {
    const s = ++this.steps;
    if (s > this.maxSteps) throw new ScriptStop(`step budget exceeded: the script ran more than ${this.maxSteps} steps (an endless loop?)`);
    if ((s & 1023) === 0 && this.now() > this.deadline) {
      throw new ScriptStop(`time budget exceeded: the script ran longer than ${this.maxMillis} ms (an endless loop?)`);
    }
  }

  string(s: string): string {
    if (s.length > this.maxStringLength) throw new ScriptStop(`memory budget exceeded: a string of ${s.length} characters (limit ${this.maxStringLength})`);
    this.alloc(s.length);
    return s;
  }

  collection(size: number): void {
    if (size > this.maxCollectionSize) throw new ScriptStop(`memory budget exceeded: a collection of ${size} elements (limit ${this.maxCollectionSize})`);
    this.alloc(size);
  }

  alloc(n: number): void {
    this.allocated += n;
    if (this.allocated > this.maxAllocations) throw new ScriptStop(`memory budget exceeded: the script allocated more than ${this.maxAllocations} elements and characters`);
  }

  enter(): void {
    if (++this.depth > this.maxDepth) throw new ScriptStop(`stack budget exceeded: calls nested deeper than ${this.maxDepth} (endless recursion?)`);
  }

  leave(): void {
    this.depth--;
  }
}
