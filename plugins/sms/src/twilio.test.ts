import { expect } from 'chai';
import { formEncode, messagesUrl, readAnswer } from './twilio.js';

const reply = (status: number, body: string) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body,
  json: () => JSON.parse(body),
});

describe('the Twilio Messages API', () => {
  it("posts to Twilio's own host unless the account names another base URL", () => {
    expect(messagesUrl(undefined, 'AC1')).to.equal(
      'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    );
    expect(messagesUrl('https://sms.example.net/twilio/', 'AC1')).to.equal(
      'https://sms.example.net/twilio/2010-04-01/Accounts/AC1/Messages.json',
    );
  });

  it('keeps an account SID from leaving its path segment', () => {
    expect(messagesUrl(undefined, 'AC1/../../x?y')).to.equal(
      'https://api.twilio.com/2010-04-01/Accounts/AC1%2F..%2F..%2Fx%3Fy/Messages.json',
    );
  });

  it('encodes a form exactly as URLSearchParams does', () => {
    const fields = {
      To: '+48601234567',
      From: 'Cairn Shop',
      Body: 'Zażółć 50% & more = "deals" + 1 (today!) ~ it\'s *ok*\r\n🎉 \ud800',
    };
    expect(formEncode(fields)).to.equal(new URLSearchParams(fields).toString());
  });

  it('reads the sid and status of a created message', () => {
    expect(readAnswer(reply(201, '{"sid":"SM1","status":"queued"}'))).to.deep.equal({
      sid: 'SM1',
      status: 'queued',
    });
    expect(readAnswer(reply(200, '{"sid":"SM2"}'))).to.deep.equal({ sid: 'SM2', status: null });
  });

  it('reads a provider error that is not JSON as its status and text', () => {
    expect(readAnswer(reply(502, '<html>Bad gateway</html>'))).to.deep.equal({
      code: 'provider-error',
      status: 502,
      message: 'the provider answered 502: <html>Bad gateway</html>',
    });
    expect(readAnswer(reply(500, ''))).to.deep.equal({
      code: 'provider-error',
      status: 500,
      message: 'the provider answered 500',
    });
  });
});
