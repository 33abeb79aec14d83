using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Informers;

/// <summary>
/// How loudly one informer reports a run of failed lists and watches. An API server that restarts
/// fails every informer of every component for as long as it is down: the first failure of a run is
/// a one-line Warning, the retries are Debug, and the end of the run is Debug again. A network or
/// HTTP failure is an expected condition and goes without a stack trace; anything else (a decoding
/// bug) keeps it.
/// </summary>
internal sealed class InformerFailures(ILogger logger, string resource)
{
    /// <summary>
    /// A watch the server ends at once is what a stopping server (or one timing its watches out) does: it
    /// is worth a Warning only when it goes on.
    /// </summary>
    private const int EarlyEndsBeforeWarning = 3;

    private int _inARow;
    private bool _warned;

    public void Failed(Exception e, string operation, TimeSpan delay)
    {
        _inARow++;
        var expected = ApiFailures.Classify(e) != ApiFailureKind.Unexpected;
        if (!_warned && (e is not WatchEndedEarlyException || _inARow >= EarlyEndsBeforeWarning))
        {
            _warned = true;
            if (expected)
            {
                InformerLog.Unreachable(logger, resource, operation, e.Message, delay);
            }
            else
            {
                InformerLog.Failed(logger, e, resource, operation, delay);
            }
        }
        else if (logger.IsEnabled(LogLevel.Debug))
        {
            InformerLog.FailedAgain(logger, expected ? null : e, resource, operation, _inARow, e.Message, delay);
        }
    }

    /// <summary>A list or watch that worked ends the run.</summary>
    public void Succeeded()
    {
        if (_inARow > 0)
        {
            InformerLog.Recovered(logger, resource, _inARow);
            _inARow = 0;
            _warned = false;
        }
    }
}

/// <summary>The server ended a watch before it sent any event, sooner than the informer's least watch duration.</summary>
internal sealed class WatchEndedEarlyException() : IOException("the watch ended at once without any event");
