// Waiting for something at shutdown, but not for ever: a round stuck on hanging targets must not
// keep a stopping process past the pod's termination grace period.

/** Resolves true once `work` settles, or false after `ms`, whichever comes first; never rejects. */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
