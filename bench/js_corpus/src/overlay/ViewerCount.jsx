import React, { useEffect, useState } from 'react';

const CLIENT_ID = 'fakeclientid000000000000000000';

function readImplicitToken() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  return params.get('access_token');
}

export function LoginLink() {
  const url = `https://id.twitch.tv/oauth2/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(window.location.origin)}&response_type=token&scope=user:read:email+channel:read:subscriptions`;
  return <a href={url}>Log in with Twitch</a>;
}

export function ViewerCount({ channel }) {
  const [viewers, setViewers] = useState(0);
  useEffect(() => {
    const token = readImplicitToken();
    const timer = setInterval(() => {
      fetch(`https://api.twitch.tv/helix/streams?user_login=${channel}`, {
        headers: { 'Client-ID': CLIENT_ID, Authorization: `Bearer ${token}` },
      })
        .then((response) => response.json())
        .then((json) => setViewers(json.data.length ? json.data[0].viewer_count : 0));
    }, 30000);
    return () => clearInterval(timer);
  }, [channel]);
  return <span className="viewers">{viewers} watching (see https://dev.twitch.tv/docs/api/reference)</span>;
}
