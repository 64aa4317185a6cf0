using System.Numerics;

namespace Vinculo.Core.Tests;

/// <summary>What a piece of code allocates once warm, for tests that it allocates nothing.</summary>
internal static class SteadyAllocation
{
    /// <summary>
    /// Runs <paramref name="run"/> once to warm up, then measures up to ten more runs on this thread and returns the
    /// fewest bytes one of them allocated (0 ends it early). The runtime's own tiering work (call counting, a method
    /// promoted mid-round) is charged to the calling thread now and then, more often on a loaded machine (three rounds were
    /// seen all charged while other builds ran); code that allocates does so every round.
    /// </summary>
    public static long Bytes<T>(Func<T> run, out T sum)
        where T : INumber<T>
    {
        sum = run();
        var fewest = long.MaxValue;
        for (var round = 0; round < 10 && fewest > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            sum += run();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
