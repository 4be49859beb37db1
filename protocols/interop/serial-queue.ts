// Runs async jobs one at a time, in the order they were queued. libsignal's session operations
// read a record, change it and write it back: two at once on the same session would lose a ratchet
// step. It also keeps incoming messages in their arrival order.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => {});
    return result;
  }
}
