/* global window, document, performance, WebSocket, PerformanceObserver, MutationObserver, requestAnimationFrame, setInterval */
// The in-page half of test/bench/client.bench.ts, installed with page.addInitScript before any of
// the app's code runs. Plain JavaScript (not TypeScript): tsx's transform would add helpers such
// as __name that do not exist in the page. It only observes: long tasks, animation frames, and
// when the clock and the score the student sees change. Everything is kept in window.__ccBench
// and read with page.evaluate.
(() => {
  if (window.__ccBench) return;
  const now = () => performance.now();
  const state = {
    recording: false,
    windowStart: 0,
    windowEnd: 0,
    longTasks: [],
    frames: [],
    lastFrame: 0,
    /** Clock: [t, simulated seconds] at each change of the text of [data-testid=clock]. */
    clock: [],
    clockText: null,
    /** Score: times at which the score's target value changed, and at which its shown digits did. */
    scoreValueChanges: [],
    scoreTextChanges: [],
    scoreValue: null,
    scoreText: null,
    watched: { clock: null, score: null },
    reattached: 0,
  };

  // The time the page's WebSocket message handler takes (socket.io's decode, the view merge and
  // whatever the app does synchronously; Lit's renders run after it, in microtasks, and are not in it).
  state.handler = [];
  const timed = (fn) =>
    function (event) {
      const t = now();
      try {
        return fn.call(this, event);
      } finally {
        if (state.recording) state.handler.push(now() - t);
      }
    };
  const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  if (onmessage && onmessage.set) {
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
      configurable: true,
      enumerable: onmessage.enumerable,
      get: onmessage.get,
      set(fn) {
        onmessage.set.call(this, typeof fn === 'function' ? timed(fn) : fn);
      },
    });
  }
  const addEventListener = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, listener, options) {
    return addEventListener.call(this, type, type === 'message' && typeof listener === 'function' ? timed(listener) : listener, options);
  };

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
    state.longTaskSupported = true;
  } catch {
    state.longTaskSupported = false;
  }

  const onFrame = (t) => {
    if (state.recording && state.lastFrame > 0) state.frames.push(t - state.lastFrame);
    state.lastFrame = t;
    requestAnimationFrame(onFrame);
  };

  /** The first element matching `selector` in the document or any shadow root under it. */
  const deepFind = (root, selector) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const inner = deepFind(el.shadowRoot, selector);
        if (inner) return inner;
      }
    }
    return null;
  };

  /** "simulated 02:30 / 15:00" (or h:mm:ss) → 150. */
  const simSeconds = (text) => {
    const m = /simulated\s+([\d:]+)/.exec(text);
    if (!m) return null;
    return m[1].split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  };

  const readClock = () => {
    const el = state.watched.clock;
    if (!el) return;
    const text = el.textContent;
    if (text === state.clockText) return;
    state.clockText = text;
    const s = simSeconds(text);
    // Epoch ms (timeOrigin + now), to set against the server's clock as the bench process saw it.
    if (state.recording && s !== null) state.clock.push([performance.timeOrigin + now(), s]);
  };

  const readScore = () => {
    const el = state.watched.score;
    if (!el) return;
    const t = now();
    const value = el.value;
    if (value !== state.scoreValue) {
      state.scoreValue = value;
      if (state.recording) state.scoreValueChanges.push(t);
    }
    const text = el.shadowRoot ? el.shadowRoot.textContent : el.textContent;
    if (text !== state.scoreText) {
      state.scoreText = text;
      if (state.recording) state.scoreTextChanges.push(t);
    }
  };

  const clockObserver = new MutationObserver(readClock);
  const scoreObserver = new MutationObserver(readScore);
  const OPTIONS = { subtree: true, childList: true, characterData: true };

  /** (Re)attaches the observers when the elements they watch were replaced: checked once a second. */
  const attach = () => {
    const clock = state.watched.clock;
    if (!clock || !clock.isConnected) {
      const el = deepFind(document, '[data-testid=clock]');
      if (el) {
        if (clock) state.reattached++;
        state.watched.clock = el;
        clockObserver.disconnect();
        clockObserver.observe(el, OPTIONS);
        readClock();
      }
    }
    const score = state.watched.score;
    if (!score || !score.isConnected) {
      const bar = deepFind(document, '[data-testid=bar-points]');
      const el = bar && bar.querySelector('cc-count-up');
      if (el) {
        if (score) state.reattached++;
        state.watched.score = el;
        scoreObserver.disconnect();
        scoreObserver.observe(el.shadowRoot || el, OPTIONS);
        // The target value is a property: it changes before the digits do, in the same render.
        scoreObserver.observe(bar, OPTIONS);
        readScore();
      }
    }
  };

  window.__ccBench = {
    /** Starts watching the board (after joining) and the frame loop. */
    watch(frames = true) {
      attach();
      setInterval(attach, 1000);
      if (frames) requestAnimationFrame(onFrame);
      return Boolean(state.watched.clock) && Boolean(state.watched.score);
    },
    start() {
      state.frames = [];
      state.handler = [];
      state.clock = [];
      state.scoreValueChanges = [];
      state.scoreTextChanges = [];
      state.lastFrame = 0;
      state.windowStart = now();
      state.windowStartEpoch = performance.timeOrigin + state.windowStart;
      state.recording = true;
      return state.windowStart;
    },
    stop() {
      state.recording = false;
      state.windowEnd = now();
      const inWindow = state.longTasks.filter(([s]) => s >= state.windowStart && s < state.windowEnd);
      return {
        windowStart: state.windowStart,
        windowEnd: state.windowEnd,
        windowStartEpoch: state.windowStartEpoch,
        windowEndEpoch: performance.timeOrigin + state.windowEnd,
        longTaskSupported: state.longTaskSupported,
        longTasks: inWindow.map(([, d]) => d),
        frames: state.frames,
        handler: state.handler,
        clock: state.clock,
        scoreValueChanges: state.scoreValueChanges,
        scoreTextChanges: state.scoreTextChanges,
        watching: { clock: Boolean(state.watched.clock), score: Boolean(state.watched.score) },
        reattached: state.reattached,
        clockText: state.clockText,
        scoreText: state.scoreText,
      };
    },
  };
})();
