// Rounds on a schedule: one chain that the timer and refreshNow() both append to, so rounds never
// overlap and a round asked for while another runs starts after it.

export interface Scheduler {
  /** run one round now (after any round in progress); resolves when it is done */
  runNow(): Promise<void>;
  /** stop the timer; resolves once the round in progress (if any) is done */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  intervalMs: number;
  /** awaited before the first round (e.g. the API's first list) */
  before?: Promise<void>;
  /** one round; a rejection is reported to onError and the schedule goes on */
  round: () => Promise<void>;
  onError: (err: unknown) => void;
}

export function startScheduler(opts: SchedulerOptions): Scheduler {
  let chain: Promise<void> = opts.before ?? Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const enqueue = (): Promise<void> => {
    chain = chain.then(
      () => (stopped ? undefined : opts.round().catch(opts.onError)),
      () => undefined,
    );
    return chain;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void enqueue().then(schedule), opts.intervalMs);
    timer.unref();
  };
  void enqueue().then(schedule);

  return {
    runNow: enqueue,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
