import { defineNode, Resource } from '@cairn/sdk';
import { Integer, Optional, Object as TObject, String as TString } from '@sinclair/typebox';
import { toE164 } from './phone-number.js';
import { renderText, templateContext } from './templates.js';
import { formEncode, isFailure, messagesUrl, readAnswer, requestFailure, type SmsFailure } from './twilio.js';

/** Base wait before the first retry; the host doubles it for each further one. */
const RETRY_DELAY_MS = 400;
/** Time one attempt may take. Attempts and waits together stay inside the call's wall-time limit. */
const ATTEMPT_TIMEOUT_MS = 2500;

/** Sends one templated text message to the profile, if it consented, through Twilio's Messages API. */
export const sendSms = defineNode({
  id: 'send-sms',
  title: 'Send SMS',
  description:
    "Sends a templated text message through Twilio's Messages API or a compatible provider to a profile that holds the consent; routes missing consent, bad numbers and failures to their own ports",
  category: 'connectors',
  icon: 'message-square',
  inputs: ['in'],
  outputs: ['sent', 'no-consent', 'invalid-number', 'error'],
  config: TObject({
    account: Resource('twilio', {
      title: 'Twilio account',
      description: 'The twilio resource: account SID, auth token, default sender and optional base URL',
    }),
    to: TString({
      default: '{{profile@data.contact.phone.mobile}}',
      description: 'Recipient: one number in international form (+48 601 234 567), as a text template',
    }),
    from: Optional(
      TString({
        description:
          "Sender: a number, an alphanumeric sender id or a messaging service, as a text template; defaults to the account's from",
      }),
    ),
    message: TString({
      minLength: 1,
      description: 'The text, a template, e.g. Hi {{profile@data.pii.firstname}}',
    }),
    consent: TString({
      minLength: 1,
      default: 'sms',
      description: 'The consent the profile must hold now, or nothing is sent',
    }),
    retries: Integer({
      minimum: 0,
      maximum: 3,
      default: 2,
      description:
        'Further attempts after a 429 or 5xx answer or a network failure, with growing waits; 0 never repeats a request',
    }),
  }),
  // No host of its own: the twilio resource allows the host of its base URL (api.twilio.com by default).
  permissions: { http: { hosts: [] } },
  resources: ['twilio'],
  async run(ctx) {
    const { config } = ctx;
    if (!ctx.consents.has(config.consent)) {
      ctx.log.info(`not sent: the profile does not hold the '${config.consent}' consent`);
      return ctx.emit('no-consent', { consent: config.consent });
    }

    const context = templateContext(ctx);
    const to = renderText('to', config.to, context).trim();
    const recipient = toE164(to);
    if ('problem' in recipient) {
      ctx.log.warn(`not sent: the recipient number is ${recipient.problem}`);
      return ctx.emit('invalid-number', { to, reason: recipient.problem });
    }
    const fail = (error: SmsFailure) => {
      ctx.log.error(`not sent: ${error.status === undefined ? '' : `${error.status} `}${error.message}`);
      return ctx.emit('error', { error: { ...error }, to: recipient.number });
    };

    const account = ctx.resources.get(config.account);
    const accountSid = account?.config.accountSid;
    if (account?.type !== 'twilio' || typeof accountSid !== 'string' || accountSid === '') {
      return fail({
        code: 'no-account',
        message: `account: '${config.account}' is not a twilio resource with an account SID`,
      });
    }
    const from =
      config.from === undefined || config.from.trim() === ''
        ? account.config.from
        : renderText('from', config.from, context).trim();
    if (typeof from !== 'string' || from === '') {
      return fail({ code: 'no-sender', message: 'from: no sender; set from on the node or on the account' });
    }
    const body = renderText('message', config.message, context);
    if (body.trim() === '') {
      return fail({ code: 'empty-message', message: 'message: the text rendered empty' });
    }
    const baseUrl = account.config.baseUrl;

    let answer: ReturnType<typeof readAnswer>;
    try {
      const reply = await ctx.http.fetch(
        messagesUrl(typeof baseUrl === 'string' ? baseUrl : undefined, accountSid),
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: formEncode({ To: recipient.number, From: from, Body: body }),
          resource: config.account,
          retry: { attempts: config.retries, delayMs: RETRY_DELAY_MS },
          timeoutMs: ATTEMPT_TIMEOUT_MS,
        },
      );
      answer = readAnswer(reply);
    } catch (error) {
      answer = requestFailure(error);
    }
    if (isFailure(answer)) return fail(answer);
    return ctx.emit('sent', { sid: answer.sid, status: answer.status, to: recipient.number, from });
  },
});
