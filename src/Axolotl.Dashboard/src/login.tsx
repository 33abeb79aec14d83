import { useEffect, useRef, useState } from "preact/hooks";
import { Api, ApiError, type Credentials } from "./api";

export interface Session {
  api: Api;
  user: string;
  groups: string[];
}

// The token lives in this tab only: memory, and sessionStorage when the user asks to survive a reload
// (cleared when the tab closes; never localStorage, never a cookie or a URL).
const tokenKey = "axolotl.dashboard.token";

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string; groups?: string[] } };
}

/** Who the credentials are, asked of the server itself (authentication.k8s.io SelfSubjectReview). */
export async function signIn(credentials: Credentials): Promise<Session> {
  const api = new Api(credentials);
  const review = await api.post<SelfSubjectReview>("/apis/authentication.k8s.io/v1/selfsubjectreviews", {
    apiVersion: "authentication.k8s.io/v1",
    kind: "SelfSubjectReview",
  }, /* safeToRepeat: a review creates nothing */ true);
  return { api, user: review.status?.userInfo?.username ?? "(unknown)", groups: review.status?.userInfo?.groups ?? [] };
}

export function rememberedToken(): string | null {
  return sessionStorage.getItem(tokenKey);
}

export function forgetToken(): void {
  sessionStorage.removeItem(tokenKey);
}

export function Login({ onSession, notice }: { onSession: (s: Session) => void; notice?: string }) {
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);
  const [keep, setKeep] = useState(true);
  const tokenInput = useRef<HTMLInputElement>(null);
  useEffect(() => tokenInput.current?.focus(), []);

  const attempt = async (credentials: Credentials) => {
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(credentials);
      if (credentials.kind === "token" && keep) sessionStorage.setItem(tokenKey, credentials.token);
      onSession(session);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, "", String(e));
      setError(
        err.unauthorized
          ? credentials.kind === "token"
            ? "The token was not accepted (401 Unauthorized)."
            : "The browser presented no client certificate the server accepts (401 Unauthorized)."
          : err.unreachable
            ? "The API server cannot be reached."
            : `${err.status} ${err.reason}: ${err.message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const token = tokenInput.current?.value.trim() ?? "";
    if (token === "") {
      setError("Paste a bearer token first.");
      return;
    }
    void attempt({ kind: "token", token });
  };

  return (
    <main id="main" class="login">
      <h1>Axolotl dashboard</h1>
      <p>
        Sign in with a bearer token. Everything you see comes from the Kubernetes API with the token's own rights, so
        RBAC decides what this page shows.
      </p>
      <ul class="token-help">
        <li>
          The cluster admin's token is in the kubeconfig <code>axolotl server</code> wrote (its data dir's{" "}
          <code>kubeconfig</code>):{" "}
          <code>kubectl config view --raw --minify -o jsonpath='{"{.users[0].user.token}"}'</code>
        </li>
        <li>
          Less than admin, e.g. read-only: a service account bound to a role, and a token for it (valid for an hour
          unless <code>--duration</code> says otherwise):{" "}
          <code>
            kubectl create serviceaccount viewer; kubectl create clusterrolebinding viewer --clusterrole=view
            --serviceaccount=default:viewer; kubectl create token viewer
          </code>
        </li>
      </ul>
      <form onSubmit={submit} aria-describedby="login-error">
        <label for="token">Bearer token</label>
        <input id="token" name="token" type="password" ref={tokenInput} autocomplete="off" spellcheck={false} required />
        <label class="check">
          <input type="checkbox" checked={keep} onChange={(e) => setKeep((e.target as HTMLInputElement).checked)} /> Keep it for
          this browser tab (until the tab is closed)
        </label>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void attempt({ kind: "certificate" })}>
            Use my browser's client certificate
          </button>
        </div>
      </form>
      <div id="login-error" role="alert" class={error ? "notice notice-error" : ""}>
        {error}
      </div>
    </main>
  );
}
