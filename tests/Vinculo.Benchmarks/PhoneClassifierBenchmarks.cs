using BenchmarkDotNet.Attributes;
using Vinculo.Bench;
using Vinculo.Phones;

namespace Vinculo.Benchmarks;

/// <summary>
/// The phone classifier on the strings <c>vinculo-bench --contacts N</c> stores (every way Brazilian businesses type a
/// number), with the settings of the repository's <c>appsettings.json</c> (region BR, no default area code). Per call.
/// </summary>
[MemoryDiagnoser]
public class PhoneClassifierBenchmarks
{
    private const int Sample = 10_000;

    private readonly PhoneClassifier classifier = new(new PhoneOptions { DefaultRegion = "BR", DefaultAreaCode = null });
    private string[] strings = [];

    [GlobalSetup]
    public void Setup() => strings = [.. new SyntheticContacts().Generate(Sample).Select(c => c.PhoneRaw)];

    [Benchmark(OperationsPerInvoke = Sample)]
    public int Classify()
    {
        var valid = 0;
        foreach (var raw in strings)
        {
            if (classifier.Classify(raw).E164 is not null)
            {
                valid++;
            }
        }

        return valid;
    }
}
