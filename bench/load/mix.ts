/**
 * What people do, and how often: mostly reading (the feed above all), some liking and commenting,
 * a little following, the odd upload and the odd sign-in on another device. Weights are relative.
 */
import type { Person } from './person.ts';

type Action = (person: Person) => Promise<void>;

const readFeed: Action = (p) => p.readFeed();

const MIX: [weight: number, action: Action][] = [
  [30, readFeed],
  [10, (p) => p.explore()],
  [10, (p) => p.openPost()],
  [5, (p) => p.openProfile()],
  [4, (p) => p.searchPosts()],
  [3, (p) => p.searchUsers()],
  [4, (p) => p.readNotifications()],
  [14, (p) => p.like()],
  [4, (p) => p.unlike()],
  [7, (p) => p.comment()],
  [1, (p) => p.deleteComment()],
  [6, (p) => p.follow()],
  [2, (p) => p.unfollow()],
  [4, (p) => p.upload()],
  [1, (p) => p.signInAgain()],
];

const totalWeight = MIX.reduce((sum, [weight]) => sum + weight, 0);

export function nextAction(): Action {
  let roll = Math.random() * totalWeight;
  for (const [weight, action] of MIX) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return readFeed;
}

/** A person looks at the screen for 1–4 s between two actions. */
export const thinkMilliseconds = () => 1000 + Math.random() * 3000;
