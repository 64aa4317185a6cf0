namespace Vinculo.Bench;

/// <summary>
/// Samples every 20 ms the working set, the managed heap, and what survived the latest full (generation 2)
/// collection: the data the run really keeps alive, as opposed to garbage not yet collected.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task<(long WorkingSet, long Heap, long LiveAfterFullGc)> sampling;

    public MemorySampler() => sampling = SampleAsync(stop.Token);

    public static (long WorkingSet, long Heap) Current => (Environment.WorkingSet, GC.GetTotalMemory(false));

    public async Task<(long WorkingSet, long Heap, long LiveAfterFullGc)> StopAsync()
    {
        await stop.CancelAsync();
        return await sampling;
    }

    public void Dispose() => stop.Dispose();

    private static async Task<(long, long, long)> SampleAsync(CancellationToken cancellationToken)
    {
        long workingSet = 0, heap = 0, live = 0;
        var seen = (Blocking: GC.GetGCMemoryInfo(GCKind.FullBlocking).Index, Background: GC.GetGCMemoryInfo(GCKind.Background).Index);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }

        Sample();
        return (workingSet, heap, live);

        void Sample()
        {
            var (ws, managed) = Current;
            workingSet = Math.Max(workingSet, ws);
            heap = Math.Max(heap, managed);
            foreach (var kind in new[] { GCKind.FullBlocking, GCKind.Background })
            {
                var info = GC.GetGCMemoryInfo(kind);
                if (info.Index > (kind == GCKind.FullBlocking ? seen.Blocking : seen.Background))
                {
                    live = Math.Max(live, info.PromotedBytes);
                }
            }
        }
    }
}
