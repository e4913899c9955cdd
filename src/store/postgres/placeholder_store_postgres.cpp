// Placeholder so the layer library has a source until real code lands.
namespace gatehouse {
int layer_placeholder_store_postgres = 0;
}  // namespace gatehouse
