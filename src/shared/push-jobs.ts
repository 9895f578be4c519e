/** One push to send: a stored notification to one of its recipient's subscriptions (ids only; the consumer re-reads). */
export interface PushJob {
  notificationId: string;
  subscriptionId: string;
}
