import type { EventSource } from '../api/types';

/** Copy-paste examples that send events to a source, for the sources page. */
export function sourceSnippets(
  source: EventSource,
  origin: string,
): { label: string; language: string; code: string }[] {
  const key = source.writeKey;
  const curlKey = key ? ` \\\n  -H 'X-Cairn-Write-Key: ${key}'` : '';
  const track = `curl -s ${origin}/track \\
  -H 'content-type: application/json'${curlKey} \\
  -d '{
  "source":  {"id": "${source.id}"},
  "session": {"id": "visit-1"},
  "events":  [{"type": "page-view", "properties": {"title": "Home"}}]
}'`;
  const webhook = `curl -s '${origin}/collect/ticket-opened/${encodeURIComponent(source.id)}${source.config?.profilePath ? '' : '?profile_id=crm-42'}' \\
  -H 'content-type: application/json'${curlKey} \\
  -d '{"subject": "Broken zip", "priority": "high"${source.config?.profilePath ? `, "${String(source.config.profilePath).split('.')[0]}": {"id": "crm-42"}` : ''}}'`;
  const browser = `<script>
  // Cairn tracker for "${source.name}": keeps the profile and session ids the server returns.
  (function () {
    var endpoint = ${JSON.stringify(`${origin}/track`)};
    var store = window.localStorage;
    var session = sessionStorage.getItem('cairn.session') || Math.random().toString(36).slice(2);
    sessionStorage.setItem('cairn.session', session);
    window.cairn = {
      track: function (type, properties) {
        var body = {
          source: { id: ${JSON.stringify(source.id)} },
          session: { id: session },
          context: { page: { url: location.href, title: document.title, referrer: document.referrer } },
          events: [{ type: type, properties: properties || {} }]
        };
        var profile = store.getItem('cairn.profile');
        if (profile) body.profile = { id: profile };
        return fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json'${key ? `, 'x-cairn-write-key': ${JSON.stringify(key)}` : ''} },
          body: JSON.stringify(body),
          keepalive: true
        }).then(function (r) { return r.json(); }).then(function (answer) {
          if (answer.profile) store.setItem('cairn.profile', answer.profile.id);
          return answer;
        });
      }
    };
    window.cairn.track('page-view', { title: document.title });
  })();
</script>`;
  if (source.type === 'webhook') return [{ label: 'Webhook (curl)', language: 'sh', code: webhook }];
  if (source.type === 'javascript')
    return [
      { label: 'Website snippet', language: 'html', code: browser },
      { label: 'curl', language: 'sh', code: track },
    ];
  return [
    { label: 'curl', language: 'sh', code: track },
    { label: 'Webhook bridge (curl)', language: 'sh', code: webhook },
  ];
}
