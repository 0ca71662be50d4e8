using LiveInit.Boot.Writable;
using LiveInit.Plan;

namespace LiveInit.Boot.Steps;

/// <summary>
/// Makes the writable layer ready with the strategy of the plan's <see cref="WritableLayer"/> kind (see
/// <see cref="WritableStrategy"/>): a tmpfs, a folder on a persistence device, an ext image file, or a LiveOS
/// overlay. Whatever goes wrong with persistence ends in one warning and a RAM layer on a tmpfs of its own: the
/// system always boots, and nothing is written to a place the user did not choose.
/// </summary>
public sealed class PrepareWritable(WritableLayer layer) : BootStep
{
    private readonly WritableStrategy _strategy = WritableStrategy.For(layer);

    public override string Describe() => _strategy.Describe();

    public override void Run(BootContext ctx)
    {
        var image = ctx.Image ?? throw new BootFailure("no image is mounted: the writable layer has nothing to sit on");
        var snapshot = image.InnerRootfs is not null && _strategy.SnapshotsInnerImage;
        ctx.Writable = _strategy.Prepare(ctx, snapshot) ?? RamUpperStrategy.For(ctx, layer.Ram, snapshot);
    }
}
