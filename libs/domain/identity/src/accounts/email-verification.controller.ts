import { Body, Controller, Get, Header, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { Public } from '@ruche/auth';
import { GqlThrottlerGuard } from '@ruche/graphql';
import { DomainError } from '@ruche/kernel';
import { AccountsService } from './accounts.service';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<meta name="referrer" content="no-referrer"><title>Ruche · e-mail verification</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">${body}</body></html>`;

/**
 * The page behind the mailed link. Opening the link only shows a button: mail scanners that prefetch links
 * must not spend the token; the POST does (same as the verifyEmail mutation).
 */
@Controller('verify-email')
export class EmailVerificationController {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  show(@Query('token') token = ''): string {
    return page(
      `<h1>Confirm your e-mail address</h1><form method="post" action="/verify-email">` +
        `<input type="hidden" name="token" value="${escapeHtml(String(token).slice(0, 128))}">` +
        `<button type="submit">Confirm</button></form>`,
    );
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Post()
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async confirm(@Body() body: Record<string, unknown>): Promise<string> {
    try {
      const token = typeof body?.token === 'string' ? body.token.slice(0, 128) : '';
      const user = await this.accounts.verifyEmail(token);
      return page(`<h1>E-mail confirmed</h1><p>Thank you, ${escapeHtml(user.displayName)}. You can close this page.</p>`);
    } catch (error) {
      if (error instanceof DomainError) return page(`<h1>Link not valid</h1><p>${escapeHtml(error.message)}</p>`);
      throw error;
    }
  }
}
