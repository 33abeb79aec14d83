using System.Text;
using Axolotl.Storage.Etcd;
using Axolotl.Testing.Etcd;

namespace Axolotl.Storage.Tests.Etcd;

/// <summary>The etcd store over TLS to a member that requires client certificates (--client-cert-auth).</summary>
public sealed class EtcdTlsTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(90));
    private readonly EtcdTlsFiles _files = new();
    private EtcdMember? _member;

    private CancellationToken Ct => _deadline.Token;

    private EtcdMember Member => _member!;

    public async Task InitializeAsync() => _member = await EtcdMember.StartTlsAsync(_files, Ct);

    public async Task DisposeAsync()
    {
        if (_member is not null)
        {
            await _member.DisposeAsync();
        }

        _files.Dispose();
        _deadline.Dispose();
    }

    [Fact]
    public async Task With_the_ca_and_a_client_certificate_writes_reads_and_watches_work()
    {
        await using var store = await OpenAsync(EtcdTls.Load(_files.CaFile, _files.ClientCertFile, _files.ClientKeyFile));
        var created = await store.CreateAsync("/configmaps/default/a", Encoding.UTF8.GetBytes("v1"), Ct);
        await using var watch = store.WatchAsync("/configmaps/", created.ModRevision, Ct).GetAsyncEnumerator(Ct);
        var next = watch.MoveNextAsync();

        var updated = await store.CreateAsync("/configmaps/default/b", Encoding.UTF8.GetBytes("v2"), Ct);

        Assert.Equal("v1", Encoding.UTF8.GetString((await store.GetAsync("/configmaps/default/a", Ct))!.Value.Span));
        Assert.True(await next.AsTask().WaitAsync(Ct));
        Assert.Equal(updated.ModRevision, watch.Current.Entry.ModRevision);
    }

    [Fact]
    public async Task Without_a_client_certificate_etcd_refuses_and_the_store_is_unavailable()
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => OpenAsync(EtcdTls.Load(_files.CaFile, null, null)));
        Assert.Contains($"127.0.0.1:{Member.ClientPort}", error.Message);
    }

    [Fact]
    public async Task A_member_whose_certificate_the_given_ca_did_not_sign_is_not_trusted()
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            OpenAsync(EtcdTls.Load(_files.OtherCaFile, _files.ClientCertFile, _files.ClientKeyFile)));
        Assert.Contains($"127.0.0.1:{Member.ClientPort}", error.Message);
    }

    [Fact]
    public async Task A_member_that_never_finishes_the_handshake_is_unavailable_not_a_crash()
    {
        // SocketsHttpHandler reports its connect timeout as a cancellation nobody asked for; the server's start
        // once died of it (an unhandled TaskCanceledException) when a loaded machine took 2 s over a handshake.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var accepting = Task.Run(async () =>
        {
            var held = new List<System.Net.Sockets.TcpClient>();
            try
            {
                while (true)
                {
                    held.Add(await silent.AcceptTcpClientAsync(Ct));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // The deadline's cancellation, or the listener stopped under a pending accept (which reports an
                // aborted socket, not a cancellation, when its continuation runs before the token is cancelled).
            }
            finally
            {
                held.ForEach(c => c.Dispose());
            }
        });

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => EtcdStore.OpenAsync(new EtcdStoreOptions
        {
            Endpoints = [new Uri($"https://127.0.0.1:{port}")],
            Tls = EtcdTls.Load(_files.CaFile, _files.ClientCertFile, _files.ClientKeyFile),
            CompactionInterval = TimeSpan.Zero,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            RequestTimeout = TimeSpan.FromSeconds(20),
        }, TimeProvider.System, Ct));

        Assert.Contains($"127.0.0.1:{port}: no connection within 0.3 s", error.Message);
        await _deadline.CancelAsync();
        silent.Stop();
        await accepting;
    }

    [Fact]
    public void Bad_tls_files_are_refused_naming_the_flag()
    {
        Assert.Contains("--datastore-certfile and --datastore-keyfile go together",
            Assert.Throws<ArgumentException>(() => EtcdTls.Load(null, _files.ClientCertFile, null)).Message);
        Assert.Contains("invalid --datastore-cafile",
            Assert.Throws<ArgumentException>(() => EtcdTls.Load(Path.Combine(_files.Directory, "missing.crt"), null, null)).Message);
        Assert.Contains("no PEM certificate",
            Assert.Throws<ArgumentException>(() => EtcdTls.Load(_files.ClientKeyFile, null, null)).Message);
        Assert.Contains("invalid --datastore-certfile",
            Assert.Throws<ArgumentException>(() => EtcdTls.Load(null, _files.ClientCertFile, _files.ServerKeyFile)).Message);
    }

    private Task<EtcdStore> OpenAsync(EtcdTls tls) =>
        EtcdStore.OpenAsync(new EtcdStoreOptions
        {
            Endpoints = [Member.ClientUrl],
            Tls = tls,
            CompactionInterval = TimeSpan.Zero,
            RequestTimeout = TimeSpan.FromSeconds(20),
        }, TimeProvider.System, Ct);
}
