import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { NAVIGATE_EVENT, followLink, parseRoute, type Route } from './lib/router.ts';
import { base } from './styles/shared.ts';

// Pages load on demand: a student's phone never downloads the teacher console.
const PAGES = {
  landing: () => import('./pages/landing-page.ts'),
  host: () => import('./pages/host-setup-page.ts'),
  play: () => import('./pages/student-page.ts'),
  teach: () => import('./pages/teacher-page.ts'),
  project: () => import('./pages/projector-page.ts'),
  replay: () => import('./pages/replay-page.ts'),
  'assignment-play': () => import('./pages/assignment-play-page.ts'),
  'assignment-teach': () => import('./pages/assignment-teach-page.ts'),
} as const;

/** The single-page app: picks the page for the current path and follows client-side navigation. */
@customElement('cc-app')
export class AppShell extends LitElement {
  static override styles = [base];

  @state() private _route: Route = parseRoute(location.pathname);
  @state() private _loadFailed = false;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this._onLocation);
    window.addEventListener(NAVIGATE_EVENT, this._onLocation);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this._onLocation);
    window.removeEventListener(NAVIGATE_EVENT, this._onLocation);
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    const name = this._route.name;
    if (name !== 'notFound') PAGES[name]().catch(() => (this._loadFailed = true));
  }

  override render() {
    if (this._loadFailed)
      return html`<main style="max-width:36rem;width:calc(100% - 2rem);margin:15vh auto 0" class="panel" role="alert">
        <h1>ClusterClass could not load</h1>
        <p>Part of the app failed to download. Check your connection and reload the page.</p>
      </main>`;
    const r = this._route;
    // Each page is keyed by its path, so moving between rooms builds a fresh page (and socket).
    switch (r.name) {
      case 'landing':
        document.title = 'ClusterClass';
        return html`<cc-landing-page .code=${r.code}></cc-landing-page>`;
      case 'host':
        return html`<cc-host-setup-page></cc-host-setup-page>`;
      case 'play':
        return html`<cc-student-page code=${r.code}></cc-student-page>`;
      case 'teach':
        return html`<cc-teacher-page code=${r.code}></cc-teacher-page>`;
      case 'project':
        return html`<cc-projector-page code=${r.code}></cc-projector-page>`;
      case 'replay':
        return html`<cc-replay-page .replayId=${r.id}></cc-replay-page>`;
      case 'assignment-play':
        return html`<cc-assignment-play-page .assignmentId=${r.id}></cc-assignment-play-page>`;
      case 'assignment-teach':
        return html`<cc-assignment-teach-page .assignmentId=${r.id}></cc-assignment-teach-page>`;
      case 'notFound':
        document.title = 'Not found · ClusterClass';
        return html`<main style="max-width:36rem;width:calc(100% - 2rem);margin:15vh auto 0" class="panel">
          <h1>Nothing here</h1>
          <p>There is no page at <code>${r.path}</code>.</p>
          <p><a href="/" @click=${followLink}>Go to the start page</a></p>
        </main>`;
      default: {
        const never: never = r;
        return never;
      }
    }
  }

  private _onLocation = () => {
    this._route = parseRoute(location.pathname);
    window.scrollTo(0, 0);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-app': AppShell;
  }
}
