import { defineNode, Resource } from '@cairn/sdk';
import { Optional, Object as TObject, String as TString } from '@sinclair/typebox';
import { addressProblem } from './address.js';
import { renderHtml, renderText, templateContext } from './templates.js';

/** Sends one templated e-mail to the profile, if it consented, through an SMTP resource. */
export const sendEmail = defineNode({
  id: 'send-email',
  title: 'Send e-mail',
  description:
    'Sends a templated e-mail through an SMTP server to a profile that holds the consent; routes missing consent, bad addresses and failures to their own ports',
  category: 'connectors',
  icon: 'mail',
  inputs: ['in'],
  outputs: ['sent', 'no-consent', 'invalid-address', 'error'],
  config: TObject({
    server: Resource('smtp', { title: 'SMTP server', description: 'The SMTP resource that sends the mail' }),
    to: TString({
      default: '{{profile@data.contact.email.main}}',
      description: 'Recipient: one address, as a text template',
    }),
    subject: TString({
      minLength: 1,
      description: 'Subject, a text template, e.g. Thanks, {{profile@data.pii.firstname}}',
    }),
    text: Optional(TString({ description: 'Plain-text body, a text template; give text, html or both' })),
    html: Optional(
      TString({
        description: 'HTML body, a template whose inserted values are HTML-escaped; give text, html or both',
      }),
    ),
    from: Optional(
      TString({ description: "Sender, a text template; defaults to the server's from address" }),
    ),
    consent: TString({
      minLength: 1,
      default: 'marketing-email',
      description: 'The consent the profile must hold now, or nothing is sent',
    }),
  }),
  permissions: { smtp: true },
  resources: ['smtp'],
  async run(ctx) {
    const { config } = ctx;
    if (!hasText(config.text) && !hasText(config.html)) {
      throw new Error('text, html: give a plain-text body, an HTML body or both');
    }
    if (!ctx.consents.has(config.consent)) {
      ctx.log.info(`not sent: the profile does not hold the '${config.consent}' consent`);
      return ctx.emit('no-consent', { consent: config.consent });
    }

    const context = templateContext(ctx);
    const to = renderText('to', config.to, context).trim();
    const problem = addressProblem(to);
    if (problem !== null) {
      ctx.log.warn(`not sent: the recipient address is ${problem}`);
      return ctx.emit('invalid-address', { to, reason: problem });
    }
    const message = {
      resource: config.server,
      to,
      subject: renderText('subject', config.subject, context),
      ...(hasText(config.text) ? { text: renderText('text', config.text, context) } : {}),
      ...(hasText(config.html) ? { html: renderHtml('html', config.html, context) } : {}),
      ...(hasText(config.from) ? { from: renderText('from', config.from, context).trim() } : {}),
    };

    try {
      const receipt = await ctx.smtp.send(message);
      return ctx.emit('sent', {
        to,
        messageId: receipt.messageId,
        accepted: [...receipt.accepted],
        rejected: [...receipt.rejected],
      });
    } catch (error) {
      const reason = (error as Error).message;
      ctx.log.error(`not sent: ${reason}`);
      return ctx.emit('error', { error: { code: 'send-failed', message: reason }, to });
    }
  },
});

function hasText(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
