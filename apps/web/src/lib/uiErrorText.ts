import type { TFunction } from 'i18next';
import type { UiError } from './errors';

/**
 * The form-level line for a failed mutation, in the UI language: the server's own words for input errors and
 * conflicts (they name what to fix), a translated sentence for everything else. Null when the error belongs
 * to fields only (they show it next to the field).
 */
export function uiErrorText(t: TFunction, ui: UiError | null, fieldsShown: readonly string[] = []): string | null {
  if (!ui) return null;
  const unshown = Object.entries(ui.fieldErrors).filter(([field]) => !fieldsShown.includes(field));
  if (Object.keys(ui.fieldErrors).length && !unshown.length) return null;
  if (unshown.length) return unshown.map(([, messages]) => messages[0]).join(' ');
  switch (ui.code) {
    case 'RATE_LIMITED':
      return t('common:errors.rateLimited', { seconds: ui.retryAfter ?? 60 });
    case 'SERVICE_UNAVAILABLE':
      return t('common:errors.unavailable');
    case 'FORBIDDEN':
      return t('common:errors.forbidden');
    case 'CONSENT_REQUIRED':
      return t('common:errors.consentRequired');
    case 'NETWORK_ERROR':
      return t('common:errors.network');
    case 'BAD_USER_INPUT':
    case 'CONFLICT':
    case 'NOT_FOUND':
      return ui.message;
    default:
      return t('common:errors.unexpected');
  }
}
