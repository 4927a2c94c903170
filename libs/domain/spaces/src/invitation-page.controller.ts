import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@ruche/auth';

/**
 * The page behind the mailed invitation link (`/invitation#token=…`). The token stays in the fragment: the
 * browser never sends it to a server, so it reaches no access log; the script reads it and asks the API
 * for the preview (space, inviter, consent text), which it shows as text only.
 */
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>Ruche · invitation</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1 id="title">Invitation</h1>
<p id="intro">Loading…</p>
<h2 id="consent-title" hidden>What you agree to</h2>
<blockquote id="consent" style="white-space:pre-wrap" hidden></blockquote>
<p id="next" hidden>To take part, sign in (or create your account) with the e-mail address this invitation was sent to,
then accept it with your explicit consent to this text (GraphQL: <code>acceptInvitation</code> with
<code>consent: { accepted: true, policyVersion: <span id="version"></span> }</code>).</p>
<script>
(async () => {
  const el = (id) => document.getElementById(id);
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query($token: String!) { invitation(token: $token) { spaceName inviterName expiresAt consent { version text } } }',
      variables: { token },
    }),
  }).then((r) => r.json()).catch(() => null);
  const invitation = res && res.data && res.data.invitation;
  if (!invitation) {
    el('title').textContent = 'Invitation not valid';
    el('intro').textContent = 'This invitation link is invalid, expired or already used. Ask for a new one.';
    return;
  }
  el('title').textContent = invitation.spaceName;
  el('intro').textContent = invitation.inviterName + ' invites you to take part in this space (until ' +
    new Date(invitation.expiresAt).toLocaleDateString() + ').';
  el('consent').textContent = invitation.consent.text;
  el('version').textContent = String(invitation.consent.version);
  for (const id of ['consent-title', 'consent', 'next']) el(id).hidden = false;
})();
</script></body></html>`;

@Controller('invitation')
export class InvitationPageController {
  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  show(): string {
    return PAGE;
  }
}
