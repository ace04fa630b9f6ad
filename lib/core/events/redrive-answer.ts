/** A dead letter a redrive does not deliver again, and why (its target is gone). */
export interface NotRedriven {
  id: string;
  reason: string;
}

/** What a redrive answers at once: how many letters it delivers again, and which it does not. */
export interface RedriveAnswer {
  redriving: number;
  notRedriven: NotRedriven[];
}
