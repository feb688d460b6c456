import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Runtime } from '../../../shared/engine/types.ts';

/** The drag-and-drop payload of an app dragged from the palette onto a host or VM. */
export const DRAG_TYPE = 'application/x-clusterclass-app';

export interface DraggedApp {
  readonly appId: string;
  readonly runtime: Runtime;
}

export const isAppDrag = (e: DragEvent): boolean => e.dataTransfer?.types.includes(DRAG_TYPE) ?? false;

export function readDrag(e: DragEvent): DraggedApp | null {
  try {
    const parsed: unknown = JSON.parse(e.dataTransfer?.getData(DRAG_TYPE) ?? '');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { appId, runtime } = parsed as Record<string, unknown>;
    if (typeof appId !== 'string' || (runtime !== 'container' && runtime !== 'vm' && runtime !== 'microvm')) return null;
    return { appId, runtime };
  } catch {
    return null;
  }
}

/**
 * Makes an element a drop zone for apps dragged from the palette: it knows whether one is over
 * it (for the highlight) and hands a dropped app on. Zones stop the events, so a VM inside a host
 * takes the drop rather than the host around it.
 */
export class AppDropZone implements ReactiveController {
  over = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: { readonly active: () => boolean; readonly drop: (app: DraggedApp) => void },
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  readonly onDragOver = (e: DragEvent): void => {
    if (!this.options.active() || !isAppDrag(e)) return;
    e.preventDefault();
    e.stopPropagation();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    this.set(true);
  };

  readonly onDragLeave = (e: DragEvent): void => {
    if (!(e.currentTarget as Element).contains(e.relatedTarget as Node | null)) this.set(false);
  };

  readonly onDrop = (e: DragEvent): void => {
    this.set(false);
    if (!this.options.active()) return;
    const app = readDrag(e);
    if (!app) return;
    e.preventDefault();
    e.stopPropagation();
    this.options.drop(app);
  };

  private set(over: boolean): void {
    if (this.over === over) return;
    this.over = over;
    this.host.requestUpdate();
  }
}
