/**
 * Optional projector sound: short WebAudio beeps for the countdown and for events, no files and
 * no library. Off until someone switches it on (browsers only start audio after a click anyway),
 * and nothing on screen ever depends on it.
 */
export class Beeper {
  private context: AudioContext | null = null;

  get on(): boolean {
    return this.context !== null && this.context.state !== 'closed';
  }

  /** Switches sound on (from a click, which lets the browser start audio) or off. */
  async toggle(): Promise<boolean> {
    if (this.on) {
      await this.context!.close().catch(() => undefined);
      this.context = null;
      return false;
    }
    const Ctor = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return false;
    this.context = new Ctor();
    await this.context.resume().catch(() => undefined);
    this.tone(660, 0.12);
    return true;
  }

  /** A tick of the 3-2-1 countdown; the last one (0: go) higher and longer. */
  countdown(n: number): void {
    if (n > 0) this.tone(520, 0.15);
    else this.tone(880, 0.4);
  }

  /** An event arrived: two falling notes. */
  event(): void {
    this.tone(740, 0.18);
    this.tone(494, 0.3, 0.2);
  }

  /** The debrief: a short rising arpeggio. */
  fanfare(): void {
    [523, 659, 784, 1047].forEach((f, i) => this.tone(f, 0.22, i * 0.16));
  }

  private tone(frequency: number, seconds: number, delay = 0): void {
    const ctx = this.context;
    if (!ctx || ctx.state !== 'running') return;
    const start = ctx.currentTime + delay;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    // A quick fade in and out, so a beep never clicks.
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + seconds + 0.05);
  }

  close(): void {
    void this.context?.close().catch(() => undefined);
    this.context = null;
  }
}
