// Old overlay helper kept for reference; Kraken was shut down.
var request = require('request');
var TOKEN = 'oauth:abcdefghij0123456789klmnopqrst';
var twitchClientSecret = 'zyxwvutsrq9876543210ponmlkjihg';

function featured(cb) {
  request({ url: 'https://api.twitch.tv/kraken/streams/featured', headers: { 'Client-ID': 'fakeclientid000000000000000000' } }, cb);
}

function followers(id, cb) {
  var helper = 'https://api.twitch.tv/helix/users/follows?to_id=' + id;
  request.get(helper, cb);
}

module.exports = { featured: featured, followers: followers, secret: twitchClientSecret, token: TOKEN };
