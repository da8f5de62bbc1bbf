// Express routes for the authorization code flow.
const express = require('express');
const axios = require('axios');
const { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, BOT_SCOPES } = require('../config');

const router = express.Router();
const tokens = new Map();

router.get('/auth/login', (req, res) => {
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: BOT_SCOPES.join(' '),
    state: req.session.state,
  });
  res.redirect(`https://id.twitch.tv/oauth2/authorize?${params}`);
});

router.get('/auth/callback', async (req, res) => {
  const { data } = await axios.post('https://id.twitch.tv/oauth2/token', null, {
    params: {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code: req.query.code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
    },
  });
  tokens.set(req.session.userId, { access: data.access_token, refresh: data.refresh_token });
  const me = await axios.get('https://api.twitch.tv/helix/users', {
    headers: { 'Client-Id': CLIENT_ID, Authorization: `Bearer ${data.access_token}` },
  });
  res.json(me.data);
});

module.exports = router;
