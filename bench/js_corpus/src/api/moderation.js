const HELIX = 'https://api.twitch.tv/helix';

class Moderation {
  constructor(clientId, userToken, moderatorId) {
    this.clientId = clientId;
    this.token = userToken;
    this.moderatorId = moderatorId;
  }

  headers() {
    return {
      'Client-Id': this.clientId,
      Authorization: 'Bearer ' + this.token,
      'Content-Type': 'application/json',
    };
  }

  async ban(broadcasterId, userId, reason) {
    const url = HELIX + '/moderation/bans?broadcaster_id=' + broadcasterId + '&moderator_id=' + this.moderatorId;
    const res = await fetch(url, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ data: { user_id: userId, reason } }),
    });
    return res.json();
  }

  async unban(broadcasterId, userId) {
    const url = new URL('moderation/bans', HELIX + '/');
    url.searchParams.set('broadcaster_id', broadcasterId);
    url.searchParams.set('moderator_id', this.moderatorId);
    url.searchParams.set('user_id', userId);
    return fetch(url, { method: 'DELETE', headers: this.headers() });
  }

  async chatSettings(broadcasterId) {
    const response = await fetch(`${HELIX}/chat/settings?broadcaster_id=${broadcasterId}`, { headers: this.headers() });
    return (await response.json()).data[0];
  }
}

module.exports = { Moderation };
