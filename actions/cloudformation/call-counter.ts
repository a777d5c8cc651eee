/**
 * Counts the API operations clients send (once per operation; SDK retries not included), so the
 * cost of a deploy is a measured figure: the summary prints it and tests assert it.
 */
interface MiddlewareHost {
  middlewareStack: {
    add(
      mw: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

export class CallCounter {
  private readonly counts: Record<string, number> = {};

  /** Counts every command sent through `client` from now on; returns the client. */
  attach<C>(client: C): C {
    (client as MiddlewareHost).middlewareStack.add(
      (next, context) => (args) => {
        const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        this.counts[name] = (this.counts[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'meshCallCounter', override: true },
    );
    return client;
  }

  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  byOperation(): Record<string, number> {
    return { ...this.counts };
  }

  toString(): string {
    const parts = Object.entries(this.counts).map(([op, n]) => `${op} ${n}`);
    return `${this.total()} (${parts.join(', ') || 'none'})`;
  }
}
