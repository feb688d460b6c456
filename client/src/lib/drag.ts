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
