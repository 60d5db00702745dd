import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { IsoDate } from '../domain/vocabulary';
import type { Recommendation } from './Recommendation';

export const itemLinkKinds = ['superseded_by', 'duplicate_of'] as const;
export type ItemLinkKind = (typeof itemLinkKinds)[number];

/** "4a is superseded by the 2023 report's AFI 3", "11.1 duplicates 7": one item pointing at another. */
@Entity({ name: 'item_links' })
@Index('IDX_item_links_pair', ['fromRecommendationId', 'toRecommendationId', 'kind'], { unique: true })
@Index('IDX_item_links_to', ['toRecommendationId'])
@Check('CHK_item_links_kind', `"kind" IN ('superseded_by', 'duplicate_of')`)
@Check('CHK_item_links_not_itself', `"from_recommendation_id" <> "to_recommendation_id"`)
export class ItemLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'from_recommendation_id' })
  fromRecommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'from_recommendation_id', foreignKeyConstraintName: 'FK_item_links_from' })
  from: Recommendation;

  @Column({ type: 'uuid', name: 'to_recommendation_id' })
  toRecommendationId: string;

  @ManyToOne('Recommendation')
  @JoinColumn({ name: 'to_recommendation_id', foreignKeyConstraintName: 'FK_item_links_to' })
  to: Recommendation;

  @Column({ type: 'text' })
  kind: ItemLinkKind;

  @Column({ type: 'date', name: 'created_on' })
  createdOn: IsoDate;

  /** The transition that made the link; null when someone linked the items by hand. */
  @Column({ type: 'text', name: 'transition_id', nullable: true })
  transitionId: string | null;
}
