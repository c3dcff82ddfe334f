/** A promise the test opens: work that awaits `held` waits until `release()`, whatever the host's speed. */
export function gate(): { held: Promise<void>; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
}
