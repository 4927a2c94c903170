/** One canonical form for comparing and storing e-mail addresses (NFC: one spelling of an accented address). */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** The same for an e-mail domain an organization claims or a customer company is known by. */
export function normalizeDomain(domain: string): string {
  return domain.trim().normalize('NFC').toLowerCase();
}

export function emailDomain(email: string): string {
  return normalizeEmail(email).split('@').pop() ?? '';
}
