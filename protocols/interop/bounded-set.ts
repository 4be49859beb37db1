// A set of the most recent `capacity` strings, kept in AdapterState so it survives restarts:
// a ring of slots plus one marker key per member, so add and has are O(1) reads and writes.
import type { AdapterState } from '../adapter.js';

export class BoundedSet {
  constructor(private readonly state: AdapterState, private readonly prefix: string, private readonly capacity: number) {}

  has(member: string): boolean {
    return this.state.get(`${this.prefix}.m.${member}`) !== undefined;
  }

  add(member: string): void {
    if (this.has(member)) return;
    const next = Number(this.state.get(`${this.prefix}.next`) ?? '0');
    const slot = next % this.capacity;
    const evicted = this.state.get(`${this.prefix}.s.${slot}`);
    if (evicted !== undefined) this.state.delete(`${this.prefix}.m.${evicted}`);
    this.state.set(`${this.prefix}.s.${slot}`, member);
    this.state.set(`${this.prefix}.m.${member}`, '1');
    this.state.set(`${this.prefix}.next`, String(next + 1));
  }
}

/** Like BoundedSet, with a value per member (the sent-envelope window for resends). */
export class BoundedMap {
  constructor(private readonly state: AdapterState, private readonly prefix: string, private readonly capacity: number) {}

  get(key: string): string | undefined {
    return this.state.get(`${this.prefix}.v.${key}`);
  }

  set(key: string, value: string): void {
    if (this.get(key) === undefined) {
      const next = Number(this.state.get(`${this.prefix}.next`) ?? '0');
      const slot = next % this.capacity;
      const evicted = this.state.get(`${this.prefix}.s.${slot}`);
      if (evicted !== undefined) this.state.delete(`${this.prefix}.v.${evicted}`);
      this.state.set(`${this.prefix}.s.${slot}`, key);
      this.state.set(`${this.prefix}.next`, String(next + 1));
    }
    this.state.set(`${this.prefix}.v.${key}`, value);
  }
}
