using Axolotl.Controllers.Runtime;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Runtime;

public class ControllerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_growing_backoff_and_success_forgets_the_failures()
    {
        var reconciler = new ScriptedReconciler(
            _ => throw new InvalidOperationException("first"),
            _ => throw new InvalidOperationException("second"),
            _ => Task.FromResult(ReconcileResult.Done));
        var controller = new Controller<string>("test", reconciler, _time);
        controller.Enqueue("a");

        await controller.ProcessNextItemAsync(CancellationToken.None);
        Assert.Equal(1, controller.Queue.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), _time.NextDue);

        _time.Advance(TimeSpan.FromMilliseconds(5));
        await controller.ProcessNextItemAsync(CancellationToken.None);
        Assert.Equal(2, controller.Queue.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), _time.NextDue);

        _time.Advance(TimeSpan.FromMilliseconds(10));
        await controller.ProcessNextItemAsync(CancellationToken.None);
        Assert.Equal(0, controller.Queue.NumRequeues("a"));
        Assert.Equal(0, controller.Queue.Length);
        Assert.Equal(0, controller.Queue.DelayedCount);
        Assert.Equal(3, reconciler.Calls.Count);
    }

    [Fact]
    public async Task RequeueAfter_looks_again_after_the_delay_without_counting_a_failure()
    {
        var reconciler = new ScriptedReconciler(
            _ => throw new InvalidOperationException("fails once"),
            _ => Task.FromResult(ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30))),
            _ => Task.FromResult(ReconcileResult.Done));
        var controller = new Controller<string>("test", reconciler, _time);
        controller.Enqueue("a");
        await controller.ProcessNextItemAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(5));

        await controller.ProcessNextItemAsync(CancellationToken.None);

        Assert.Equal(0, controller.Queue.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromSeconds(30), _time.NextDue);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, controller.Queue.Length);
    }

    [Fact]
    public async Task Requeue_retries_through_the_rate_limiter()
    {
        var reconciler = new ScriptedReconciler(_ => Task.FromResult(ReconcileResult.Requeue));
        var controller = new Controller<string>("test", reconciler, _time);
        controller.Enqueue("a");

        await controller.ProcessNextItemAsync(CancellationToken.None);

        Assert.Equal(1, controller.Queue.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), _time.NextDue);
    }

    [Fact]
    public async Task Two_workers_never_reconcile_the_same_key_at_once()
    {
        var release = new TaskCompletionSource<ReconcileResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciler = new ScriptedReconciler(
            _ =>
            {
                firstStarted.SetResult();
                return release.Task;
            },
            _ =>
            {
                secondStarted.SetResult();
                return Task.FromResult(ReconcileResult.Done);
            });
        var controller = new Controller<string>("test", reconciler, _time);
        using var stop = new CancellationTokenSource();
        controller.Enqueue("a");
        var run = controller.RunAsync(workers: 2, stop.Token);

        await firstStarted.Task.WaitAsync(Deadline);
        controller.Enqueue("a");
        // The second worker is idle and the key is queued again, but it must wait for the first.
        Assert.Equal(0, controller.Queue.Length);
        Assert.False(secondStarted.Task.IsCompleted);

        release.SetResult(ReconcileResult.Done);
        await secondStarted.Task.WaitAsync(Deadline);

        await stop.CancelAsync();
        await run.WaitAsync(Deadline);
        Assert.Equal(2, reconciler.Calls.Count);
    }

    [Fact]
    public async Task Run_returns_when_cancelled()
    {
        var controller = new Controller<string>("test", new ScriptedReconciler(), _time);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(workers: 3, stop.Token);

        await stop.CancelAsync();

        await run.WaitAsync(Deadline);
        Assert.True(controller.Queue.ShuttingDown);
    }

    [Fact]
    public void ObjectKey_prints_like_a_cache_key()
    {
        Assert.Equal("default/web", new ObjectKey("default", "web").ToString());
        Assert.Equal("node-1", new ObjectKey(null, "node-1").ToString());
    }

    private sealed class ScriptedReconciler(params Func<string, Task<ReconcileResult>>[] steps) : IReconciler<string>
    {
        private int _next;

        public List<string> Calls { get; } = [];

        public Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
        {
            lock (Calls)
            {
                Calls.Add(key);
            }
            var step = Interlocked.Increment(ref _next) - 1;
            return step < steps.Length ? steps[step](key) : Task.FromResult(ReconcileResult.Done);
        }
    }
}
