import type { Timeline } from './timeline';

export type TimelineStub = DurableObjectStub<Timeline>;

/** The one way to reach a user's timeline: one object per user, named by their id. */
export function timelineOf(namespace: DurableObjectNamespace<Timeline>, userId: string): TimelineStub {
  return namespace.get(namespace.idFromName(userId));
}
