using System.Globalization;
using WeComSuccession.Dashboard.Exports;

namespace WeComSuccession.Tests.Dashboard.Exports;

/// <summary>Alone (no other test allocating meanwhile): the heap is measured while a download is written.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "Measured alone";
}

[Collection(MeasuredAlone.Name)]
public sealed class ExportMemoryTests
{
    private const int Rows = 50_000;

    /// <summary>
    /// What the checklist writes: nine cells of checklist-like text per row, new strings for every row (as the
    /// database reader makes them). The live heap, after a full collection, at row 1,000 and row 10,000 (the size
    /// the brief asks about) and row 50,000 must stay within 1 MB of each other: a writer that held its rows would
    /// grow by several megabytes per 10,000.
    /// </summary>
    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task Writer_50000Rows_LiveHeapDoesNotGrowWithTheRows(string name)
    {
        var format = TableWriter.Parse(name)!.Value;
        var ct = TestContext.Current.CancellationToken;
        var output = new AsyncOnlyStream(keep: false);
        var live = new Dictionary<int, long>();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await using (var writer = await TableWriter.CreateAsync(format, output, "交接清单", [8, 20, 36, 20, 20, 14, 10, 48, 17], ct))
        {
            var cells = new string?[9];
            for (var i = 1; i <= Rows; i++)
            {
                var n = i.ToString("D6", CultureInfo.InvariantCulture);
                cells[0] = i % 10 == 0 ? "客户群" : "客户";
                cells[1] = null;
                cells[2] = "wmbulk" + n + "AbCdEfGhIjKlMnOpQrSt";
                cells[3] = "批量 (piliang)";
                cells[4] = "李娜 (lina" + (i % 7).ToString(CultureInfo.InvariantCulture) + ")";
                cells[5] = "部门轮转";
                cells[6] = i % 20 == 2 ? "失败" : "已转接";
                cells[7] = i % 20 == 2 ? "40099 外部联系人的数量已达到上限 " + n : null;
                cells[8] = "2026-11-30 09:" + (i % 60).ToString("D2", CultureInfo.InvariantCulture);
                await writer.WriteRowAsync(cells, ct);
                if (i is 1_000 or 10_000 or Rows)
                {
                    live[i] = LiveHeap();
                }
            }

            await writer.CompleteAsync(ct);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{format}: {Rows:N0} rows, {output.BytesWritten:N0} bytes out; live heap at rows 1,000 / 10,000 / 50,000: {live[1_000]:N0} / {live[10_000]:N0} / {live[Rows]:N0} bytes; allocated {allocated / (double)Rows:N0} bytes per row"));
        Assert.InRange(live[10_000] - live[1_000], long.MinValue, 1_000_000);
        Assert.InRange(live[Rows] - live[1_000], long.MinValue, 1_000_000);
    }

    /// <summary>The bytes of live objects: the heap after a full, compacting, blocking collection, less its free space.</summary>
    private static long LiveHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }
}
